/**
 * `GET /health`.
 */
import { jsonResponse, type SimResponse } from '../http.js';

/** Always `{"status":"ok"}`. */
export function health(): SimResponse {
  return jsonResponse(200, { status: 'ok' });
}
