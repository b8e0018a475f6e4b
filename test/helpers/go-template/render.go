// Renders an Argo CD ApplicationSet template the way its controller does with `goTemplate: true`: Go's
// own text/template with sprig's generic functions (less env, expandenv and getHostByName, as Argo CD),
// the template's options (missingkey=error), every string of the template (values and map keys)
// parsed and executed on its own, a parameter's text inserted as it is and never evaluated again.
//
// Input on stdin: {"template": <object>, "options": ["missingkey=error"], "params": [<object>, ...]}.
// Output on stdout: one result per params, {"app": <object>} or {"error": "<Go's message>"}.
// Built in GOPATH mode from Debian's golang-go and golang-github-masterminds-sprig-dev: nothing else.
package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
)

type input struct {
	Template interface{}              `json:"template"`
	Options  []string                 `json:"options"`
	Params   []map[string]interface{} `json:"params"`
}

type result struct {
	App   interface{} `json:"app,omitempty"`
	Error string      `json:"error,omitempty"`
}

var invalidDNSNameChars = regexp.MustCompile(`[^-a-z0-9.]`)

// Argo CD's utils.SanitizeName, its `normalize` template function.
func normalize(name string) string {
	name = strings.ToLower(name)
	name = invalidDNSNameChars.ReplaceAllString(name, "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

func funcs() template.FuncMap {
	m := sprig.GenericFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	delete(m, "getHostByName")
	m["normalize"] = normalize
	return m
}

func renderString(text string, options []string, params map[string]interface{}) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	tmpl, err := template.New("").Funcs(funcs()).Option(options...).Parse(text)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, params); err != nil {
		return "", err
	}
	return out.String(), nil
}

func render(value interface{}, options []string, params map[string]interface{}) (interface{}, error) {
	switch v := value.(type) {
	case string:
		return renderString(v, options, params)
	case []interface{}:
		out := make([]interface{}, len(v))
		for i, item := range v {
			r, err := render(item, options, params)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]interface{}:
		out := make(map[string]interface{}, len(v))
		for key, item := range v {
			k, err := renderString(key, options, params)
			if err != nil {
				return nil, err
			}
			r, err := render(item, options, params)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	default:
		return v, nil
	}
}

func main() {
	// Numbers decode as float64, as Argo CD's git files generator reads a JSON file: {{ .pr }} would
	// print 2.147483647e+09.
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		os.Stderr.WriteString("render: bad input: " + err.Error() + "\n")
		os.Exit(2)
	}
	results := make([]result, len(in.Params))
	for i, params := range in.Params {
		app, err := render(in.Template, in.Options, params)
		if err != nil {
			results[i] = result{Error: err.Error()}
		} else {
			results[i] = result{App: app}
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		os.Exit(2)
	}
}
