# Idle-connection flood against one node, then signed webhooks timed.
# usage: OPENHOUSE_DATABASE_URL=... OPENHOUSE_REDIS_URL=... \
#   python3 bench/idle_flood.py BINARY N_IDLE LABEL MARKET.yaml
# The node runs with an open-file limit of 4096, so N_IDLE above it shows
# what happens when idle clients exhaust it. Prints one JSON line.
import base64, hashlib, hmac, os, socket, subprocess, sys, time, urllib.parse, urllib.request, resource, json, re

binary, n_idle, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
env = dict(os.environ)
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
sim = subprocess.Popen([binary, "sim-llm", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
sim_url = None
while sim_url is None:
    line = sim.stdout.readline()
    m = re.search(r"http://[0-9.:]+", line)
    if m: sim_url = m.group(0)
db = env["OPENHOUSE_DATABASE_URL"]
env.update({"OPENHOUSE_LLM_BASE_URL": sim_url, "OPENHOUSE_PUBLIC_URL": "https://x.test",
            "TWILIO_AUTH_TOKEN": "tok", "OPENHOUSE_DRAIN_DELAY": "0s",
            "OPENHOUSE_REDIS_PREFIX": "faultsbench" + label})
node = subprocess.Popen([binary, "serve", "--config", sys.argv[4], "--port", "0"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096)))
url = None
while url is None:
    line = node.stdout.readline()
    m = re.search(r"http://[0-9.:]+", line)
    if m: url = m.group(0)
port = int(url.rsplit(":", 1)[1])

def post(i):
    p = {"MessageSid": "SM%032d" % (int(time.time()*1000) % 10**9 * 1000 + i), "AccountSid": "AC0",
         "From": "+1909555%04d" % (i % 10000), "To": "+19095550100", "Body": "any 3 bedroom homes in Corona?"}
    s = "https://x.test/webhooks/twilio/sms" + "".join(k + p[k] for k in sorted(p))
    sig = base64.b64encode(hmac.new(b"tok", s.encode(), hashlib.sha1).digest()).decode()
    req = urllib.request.Request(url + "/webhooks/twilio/sms", data=urllib.parse.urlencode(p).encode(),
                                 headers={"X-Twilio-Signature": sig, "Content-Type": "application/x-www-form-urlencoded"})
    t = time.time()
    try:
        code = urllib.request.urlopen(req, timeout=30).status
    except Exception as e:
        code = str(e)[:40]
    return time.time() - t, code

socks = []
t0 = time.time()
for i in range(n_idle):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(s)
    except Exception as e:
        break
opened = time.time() - t0
time.sleep(1)
cpu0 = sum(map(int, open(f"/proc/{node.pid}/stat").read().split()[13:15]))
lat = [post(i) for i in range(30)]
cpu1 = sum(map(int, open(f"/proc/{node.pid}/stat").read().split()[13:15]))
wall = sum(l for l, _ in lat)
ok = sum(1 for _, c in lat if c == 200)
ls = sorted(l for l, _ in lat)
alive = 0
for s in socks[:200]:
    s.setblocking(False)
    try:
        d = s.recv(1)
        if d == b"": pass
    except BlockingIOError:
        alive += 1
    except Exception:
        pass
fds = len(os.listdir(f"/proc/{node.pid}/fd"))
print(json.dumps({"binary": label, "idle_opened": len(socks), "open_s": round(opened, 2), "webhooks": len(lat), "ok_200": ok,
                  "p50_ms": round(ls[len(ls)//2]*1000, 1), "max_ms": round(ls[-1]*1000, 1),
                  "node_cpu_pct_during_webhooks": round((cpu1 - cpu0) / os.sysconf("SC_CLK_TCK") / wall * 100, 1),
                  "oldest_200_idle_still_open": alive, "node_fds": fds}))
for s in socks: s.close()
node.terminate(); node.wait(); sim.terminate(); sim.wait()
