// The worker under test; replaced by a real agent worker once the entry points exist.
export default {
  async fetch(): Promise<Response> {
    return new Response(navigator.userAgent);
  },
};
