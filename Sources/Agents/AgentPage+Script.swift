extension AgentPage {
    static let script = #"""
        "use strict";
        (function () {
          const $ = (id) => document.getElementById(id);
          const body = document.body, card = $("card");
          const token = new URLSearchParams(location.hash.slice(1)).get("token");
          const calls = new Map();           // call+extension -> ring data, in arrival order
          let audio = null, toneTimer = null, toneName = null, notice = null;
          let retryTimer = null, failures = 0;

          // Tones: [start s, length s, frequencies Hz, wave]; each pattern repeats every `period` s.
          const TONES = {
            vip: { period: 1.6, notes: [[0, .16, [880], "triangle"], [.2, .16, [1108.7], "triangle"],
                                        [.4, .16, [1318.5], "triangle"], [.6, .3, [1760], "triangle"]] },
            internal: { period: 2.0, notes: [[0, .15, [660], "sine"], [.3, .15, [660], "sine"]] },
            external: { period: 3.0, notes: [[0, .4, [440, 480], "sine"], [.6, .4, [440, 480], "sine"]] },
            default: { period: 3.0, notes: [[0, 1.0, [523.25, 659.25], "sine"]] },
          };

          function setAudioState() {
            const running = audio !== null && audio.state === "running";
            body.dataset.audio = running ? "running" : "suspended";
            $("sound-note").textContent = running ? "Sound is on." :
              (body.dataset.state === "ringing" ? "A call is ringing, but sound is off: click to hear it." :
               "Sound is off: your browser plays sound only after you click.");
          }

          function enableSound() {
            const Ctx = window.AudioContext || window.webkitAudioContext;
            if (!Ctx) { $("sound-note").textContent = "This browser cannot play sound (no Web Audio)."; return; }
            if (audio === null) { audio = new Ctx(); audio.onstatechange = setAudioState; }
            audio.resume().then(() => { setAudioState(); if (toneName) startTone(toneName); }, setAudioState);
          }

          function playOnce(pattern) {
            const t0 = audio.currentTime + 0.05;
            for (const [start, length, freqs, wave] of pattern.notes) {
              const gain = audio.createGain();
              gain.gain.setValueAtTime(0.0001, t0 + start);
              gain.gain.exponentialRampToValueAtTime(0.25 / freqs.length, t0 + start + 0.02);
              gain.gain.setValueAtTime(0.25 / freqs.length, t0 + start + length - 0.03);
              gain.gain.exponentialRampToValueAtTime(0.0001, t0 + start + length);
              gain.connect(audio.destination);
              for (const f of freqs) {
                const osc = audio.createOscillator();
                osc.type = wave; osc.frequency.value = f; osc.connect(gain);
                osc.start(t0 + start); osc.stop(t0 + start + length + 0.01);
              }
            }
          }

          function startTone(name) {
            stopTone();
            toneName = name;
            if (audio === null || audio.state !== "running") return;
            const pattern = TONES[name] || TONES.default;
            playOnce(pattern);
            toneTimer = setInterval(() => playOnce(pattern), pattern.period * 1000);
          }

          function stopTone() {
            if (toneTimer !== null) clearInterval(toneTimer);
            toneTimer = null; toneName = null;
          }

          function notify(data) {
            if (!("Notification" in window) || Notification.permission !== "granted" || !document.hidden) return;
            const r = data.remote || {};
            notice = new Notification("Call from " + (r.display || r.number || "unknown"), {
              body: [r.company, r.e164 || r.number, r.class].filter(Boolean).join(" · "), tag: "callhook-" + data.call });
            notice.onclick = () => { window.focus(); notice.close(); };
          }

          function render() {
            const ringing = Array.from(calls.values());
            const data = ringing[ringing.length - 1];
            if (!data) {
              card.hidden = true; stopTone();
              body.dataset.ringtone = ""; card.dataset.ringtone = ""; card.dataset.class = "";
              if (body.dataset.state === "ringing") body.dataset.state = "idle";
              document.title = "callhook agent";
              if (notice) { notice.close(); notice = null; }
              setAudioState();
              return;
            }
            const r = data.remote || {};
            const ringtone = TONES[data.ringtone] ? data.ringtone : "default";
            $("name").textContent = r.name || r.display || r.number || "Unknown caller";
            $("company").textContent = r.company || "";
            $("number").textContent = r.e164 || r.number || "unknown";
            $("class").textContent = r.class || "—";
            $("ext").textContent = data.extension;
            $("direction").textContent = data.direction === "outbound" ? "Outgoing call" : "Incoming call";
            $("more").textContent = ringing.length > 1 ? (ringing.length - 1) + " more ringing" : "";
            card.dataset.ringtone = ringtone; card.dataset.class = r.class || ""; card.dataset.call = data.call;
            body.dataset.ringtone = ringtone; body.dataset.state = "ringing"; card.hidden = false;
            document.title = "☎ " + $("name").textContent + " – callhook agent";
            if (toneName !== ringtone || toneTimer === null) startTone(ringtone);
            setAudioState();
          }

          function handle(kind, e) {
            let data;
            try { data = JSON.parse(e.data); } catch (_) { return; }
            const key = data.call + "/" + data.extension;
            if (kind === "ring") {
              const isNew = !calls.has(key);
              calls.delete(key); calls.set(key, data);
              render();
              if (isNew) notify(data);
            } else {
              calls.delete(key);
              render();
            }
          }

          function offline(message) {
            body.dataset.state = "offline";
            $("conn").textContent = message;
            calls.clear(); render(); body.dataset.state = "offline";
          }

          function connect() {
            retryTimer = null;
            const url = new URL("v1/agents/events", location.href);
            url.searchParams.set("access_token", token);
            const es = new EventSource(url.href);
            es.onopen = () => {
              failures = 0;
              $("conn").textContent = "Online";
              if (body.dataset.state !== "ringing") body.dataset.state = "idle";
            };
            es.onerror = () => {
              // CONNECTING: the browser retries by itself. CLOSED (a 401, a proxy error): we retry with backoff.
              failures += 1;
              const closed = es.readyState === EventSource.CLOSED;
              offline(closed && failures > 2 ? "Offline – the server refused the connection (is the token valid?) – retrying"
                                              : "Offline – reconnecting…");
              if (closed && retryTimer === null) {
                retryTimer = setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
              }
            };
            for (const kind of ["ring", "answered", "ended"]) es.addEventListener(kind, (e) => handle(kind, e));
          }

          $("sound").addEventListener("click", enableSound);
          if ("Notification" in window && Notification.permission === "default") {
            $("notify").hidden = false;
            $("notify").addEventListener("click", () => Notification.requestPermission().then((p) => {
              $("notify").hidden = p !== "default";
              $("notify-note").textContent = p === "granted" ? "Desktop notifications are on while this tab is hidden." :
                "Desktop notifications are off.";
            }));
          } else if ("Notification" in window && Notification.permission === "granted") {
            $("notify-note").textContent = "Desktop notifications are on while this tab is hidden.";
          }
          setAudioState();
          if (!token) {
            offline("No token: open the link that 'callhook agent-token' printed (…/agent#token=…).");
          } else {
            connect();
          }
        })();

        """#
}
