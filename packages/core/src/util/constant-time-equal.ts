/**
 * Compares two strings without an early exit, so the time taken says nothing about where they
 * differ: for secrets an attacker guesses over the network (capability paths, bearer tokens). A
 * length difference returns at once; secrets of a known length are assumed.
 *
 * @example
 * if (!constantTimeEqual(request.headers.get('authorization') ?? '', `Bearer ${secret}`)) return new Response(null, { status: 401 });
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
