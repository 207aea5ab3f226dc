import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VoiceloadError } from '../core/errors.js';
import { sanitizeLabelName } from './formatOpenMetrics.js';

/**
 * The Pushgateway URL of a run's group: `BASE/metrics/job/voiceload/<label>/<value>...`, one pair per
 * grouping label. Values are URL-encoded; one that is empty or holds `/` is written base64url-encoded
 * with the `@base64` suffix on its label name, as the Pushgateway's API wants for those. A `job` tag
 * names the job (the gateway takes each label once, and `job` is its own); of two tags that sanitize
 * to one label name (`build-id`, `build_id`), the first is kept.
 */
export function pushGatewayUrl(base: string, job: string, grouping: Readonly<Record<string, string>>): string {
  const root = base.replace(/\/+$/, '');
  const labels = new Map<string, string>([['job', job]]);
  let jobTagged = false;
  for (const [k, v] of Object.entries(grouping)) {
    const name = sanitizeLabelName(k);
    if (name === 'job' && !jobTagged) {
      labels.set('job', v);
      jobTagged = true;
    } else if (!labels.has(name)) labels.set(name, v);
  }
  return `${root}/metrics/${[...labels].map(([k, v]) => segment(k, v)).join('/')}`;
}

function segment(name: string, value: string): string {
  if (value === '' || value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url') || '='}`;
  return `${name}/${encodeURIComponent(value)}`;
}

export interface PushOptions {
  contentType: string;
  timeoutMs?: number;
}

/**
 * PUTs `body` to `url` (replacing the group's metrics). Credentials in the URL (`https://user:pw@host`)
 * are sent as basic authentication. Resolves on a 2xx; otherwise rejects with a PUSH_FAILED error whose
 * message names the URL without its credentials.
 */
export function pushMetrics(url: string, body: string, options: PushOptions): Promise<void> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    return Promise.reject(new VoiceloadError('PUSH_FAILED', `not a URL: ${url}`, { cause }));
  }
  const shown = redactUrl(target);
  const headers: Record<string, string | number> = { 'Content-Type': options.contentType, 'Content-Length': Buffer.byteLength(body) };
  if (target.username !== '' || target.password !== '') {
    headers['Authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      { protocol: target.protocol, hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, path: `${target.pathname}${target.search}`, method: 'PUT', headers, timeout: options.timeoutMs ?? 10_000 },
      (res) => {
        let reply = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (reply.length < 500) reply += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new VoiceloadError('PUSH_FAILED', `PUT ${shown} answered ${status}${reply.trim() === '' ? '' : `: ${reply.trim().slice(0, 200)}`}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', (cause) => reject(new VoiceloadError('PUSH_FAILED', `PUT ${shown} failed: ${cause.message}`, { cause })));
    req.end(body);
  });
}

function redactUrl(u: URL): string {
  if (u.username === '' && u.password === '') return u.href;
  const copy = new URL(u.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
