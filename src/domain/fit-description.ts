/** GitHub refuses (422) a commit status or deployment status description longer than this. */
export const MAX_DESCRIPTION = 140;

/**
 * `text` cut to GitHub's 140-character limit of status descriptions, ending in an ellipsis when cut.
 * Characters are counted as GitHub counts them (and as its OpenAPI description's `maxLength` does), by
 * code point, so an emoji counts once and is never split in half. The one place this limit is counted.
 */
export function fitDescription(text: string, limit: number = MAX_DESCRIPTION): string {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  return `${chars.slice(0, limit - 1).join('').trimEnd()}…`;
}
