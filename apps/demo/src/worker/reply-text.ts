/** The text parts of a JSON-RPC `message/send` result. */
export function replyTextOf(body: unknown): string {
  const parts =
    (body as { result?: { parts?: Array<{ kind?: string; text?: string }> } })?.result?.parts ?? [];
  return parts
    .filter((part) => part.kind === 'text')
    .map((part) => part.text)
    .join('\n');
}
