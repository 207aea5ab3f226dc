// Builds native/build/voiceload_rtpio.node (batched RTP socket I/O) with the C compiler directly.
//
// Why no node-gyp: it wants to download headers, and this must build offline. Node-API headers ship
// with Node itself (<prefix>/include/node), and one C file needs no build system.
// The addon is optional: without a compiler, headers or Linux, this prints one warning line and
// exits 0, and voiceload falls back to Node dgram.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = path.join(root, 'native', 'rtpio.c');
const outDir = path.join(root, 'native', 'build');
const output = path.join(outDir, 'voiceload_rtpio.node');
// Compile beside the target and rename: a failed or concurrent build never leaves a half-written .node.
const temp = `${output}.${process.pid}.tmp`;

function skip(reason) {
  rmSync(temp, { force: true });
  // A .node older than rtpio.c no longer matches it; loading it anyway would hide this warning.
  rmSync(output, { force: true });
  process.stderr.write(`voiceload: native RTP I/O not built (${reason}); falling back to Node dgram\n`);
  process.exit(0);
}

function includeDir() {
  // npm sets npm_config_nodedir when the user configured one; otherwise the running Node's prefix.
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(path.join(dir, 'node_api.h')));
}

if (process.platform !== 'linux') skip(`${process.platform} is not supported, Linux only`);
if (!existsSync(source)) skip(`${path.relative(root, source)} is missing`);
if (existsSync(output) && statSync(output).mtimeMs > statSync(source).mtimeMs) process.exit(0);

const include = includeDir();
if (!include) skip(`Node-API headers not found under ${path.join(path.dirname(process.execPath), '..', 'include', 'node')}`);

const compiler = process.env.CC || 'cc';
mkdirSync(outDir, { recursive: true });
const args = ['-O2', '-Wall', '-Wextra', '-fPIC', '-shared', `-I${include}`, source, '-o', temp];
// io_uring sends (liburing, Debian liburing-dev) when the headers are there; sendto otherwise.
const uringArgs = ['-DVOICELOAD_URING', ...args, '-luring'];
let result = existsSync('/usr/include/liburing.h') ? spawnSync(compiler, uringArgs, { encoding: 'utf8' }) : undefined;
if (result === undefined || result.error || result.status !== 0) {
  if (result !== undefined) process.stderr.write('voiceload: building the native RTP I/O without io_uring (liburing did not build)\n');
  else process.stderr.write('voiceload: liburing-dev not installed; the native RTP I/O sends with sendto (no io_uring)\n');
  result = spawnSync(compiler, args, { encoding: 'utf8' });
}
if (result.error) {
  skip(result.error.code === 'ENOENT' ? `no C compiler: '${compiler}' not found` : `${compiler}: ${result.error.message}`);
}
if (result.status !== 0) {
  const firstError = `${result.stderr}`.split('\n').find((line) => line.includes('error')) ?? `exit ${result.status ?? result.signal}`;
  skip(`${compiler} failed: ${firstError.trim()}`);
}
if (result.stderr) process.stderr.write(result.stderr); // compiler warnings: worth seeing, not fatal
renameSync(temp, output);
process.stdout.write(`voiceload: built ${path.relative(root, output)}\n`);
