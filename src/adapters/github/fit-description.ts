// GitHub refuses (422) a commit status or deployment status description over 140 characters.
const DESCRIPTION_LIMIT = 140;

/**
 * `text` cut to GitHub's 140-character limit of status descriptions, ending in an ellipsis when cut.
 * Characters are counted as GitHub counts them, by code point, so an emoji is never split in half.
 */
export function fitDescription(text: string, limit: number = DESCRIPTION_LIMIT): string {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  return `${chars.slice(0, limit - 1).join('').trimEnd()}…`;
}
