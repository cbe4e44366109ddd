# git's own smart HTTP server (git-http-backend, as CGI) behind a wait before each request, for
# FetchRoundTrips: python3 git-http-backend.py ROOT PORT MS 2> LOG  (one "REQ <method> <path>" line per request).
import http.server, socketserver, subprocess, sys, time, os
root, port, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def handle_one(self):
        time.sleep(delay)
        path, _, query = self.path.partition('?')
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL='1', PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command,
                   CONTENT_TYPE=self.headers.get('Content-Type', ''), CONTENT_LENGTH=str(len(body)),
                   GIT_PROTOCOL=self.headers.get('Git-Protocol', ''), REMOTE_ADDR='127.0.0.1')
        if self.headers.get('Content-Encoding') == 'gzip':
            env['HTTP_CONTENT_ENCODING'] = 'gzip'
        out = subprocess.run(['/usr/lib/git-core/git-http-backend'], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b'\r\n\r\n')
        status = 200; headers = []
        for line in head.decode().split('\r\n'):
            if not line: continue
            k, _, v = line.partition(':'); v = v.strip()
            if k.lower() == 'status': status = int(v.split()[0])
            else: headers.append((k, v))
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers(); self.wfile.write(payload)
        sys.stderr.write(f"REQ {self.command} {path}\n"); sys.stderr.flush()
    do_GET = handle_one
    do_POST = handle_one
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
S(('127.0.0.1', port), H).serve_forever()
