// previewd dashboard: progressive enhancement only. The page is complete without this script; with it,
// a server-sent event about any environment makes the page fetch itself again and swap the regions
// marked data-live-region, so counts, rows, state and history change without a reload.
(function () {
  'use strict';
  var mark = document.getElementById('live');
  if (!mark || typeof EventSource === 'undefined' || typeof DOMParser === 'undefined') return;
  var pending = null;
  var busy = false;
  var again = false;

  function setMark(on, text, title) {
    mark.textContent = text;
    mark.className = on ? 'live live-on' : 'live live-off';
    mark.title = title;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var next = new DOMParser().parseFromString(text, 'text/html');
        var regions = document.querySelectorAll('[data-live-region]');
        for (var i = 0; i < regions.length; i++) {
          var id = regions[i].id;
          var fresh = id ? next.getElementById(id) : null;
          if (fresh) regions[i].replaceWith(document.importNode(fresh, true));
        }
        document.body.setAttribute('data-refreshed', String(Date.now()));
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    if (pending !== null) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 250);
  }

  var source = new EventSource('/events');
  source.addEventListener('open', function () {
    setMark(true, 'live', 'This page updates itself as environments change');
    refresh();
  });
  source.addEventListener('change', schedule);
  source.addEventListener('error', function () {
    setMark(false, 'reconnecting…', 'The live connection dropped; the browser reconnects on its own');
  });
})();
