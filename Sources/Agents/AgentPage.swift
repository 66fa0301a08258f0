/// The built-in web agent, served at `GET /agent`: one self-contained page
/// (HTML, CSS and JavaScript; no external resources, no build step).
///
/// It reads the token from the URL fragment (`/agent#token=…`, so the token
/// never reaches a server log), connects an EventSource to
/// `v1/agents/events?access_token=…` relative to its own URL, shows a call
/// card while a call rings and plays a Web Audio tone per ringtone name
/// (`vip`, `internal`, `external`, `default`; other names sound as
/// `default`). State for tests and user CSS: `body[data-state]`
/// (`idle|ringing|offline`), `body[data-ringtone]` and `#card[data-ringtone]`,
/// `body[data-audio]` (`running|suspended`), `#card[data-class]`.
/// Caller data is only ever set with `textContent`, never as HTML.
public enum AgentPage {
    /// The `Content-Type` to serve it with.
    public static let contentType = "text/html; charset=utf-8"

    /// The whole page.
    public static let html: String =
        head + "<style>" + style + "</style>\n</head>\n" + body + "<script>" + script
        + "</script>\n</html>\n"

    static let head = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>callhook agent</title>

        """#

    static let body = #"""
        <body data-state="offline" data-audio="suspended" data-ringtone="">
        <main>
          <header>
            <h1>callhook agent</h1>
            <p id="conn" role="status" aria-live="polite">Connecting…</p>
          </header>
          <section id="sound-box" aria-labelledby="sound-note">
            <p id="sound-note">Sound is off: your browser plays sound only after you click.</p>
            <button id="sound" type="button">Enable sound</button>
          </section>
          <section id="card" hidden aria-live="assertive" aria-atomic="true" aria-labelledby="card-title" data-ringtone="" data-class="">
            <p id="card-title" class="title"><span id="direction">Incoming call</span> for <span id="ext"></span></p>
            <p id="name" class="name"></p>
            <p id="company" class="company"></p>
            <dl>
              <div><dt>Number</dt><dd id="number"></dd></div>
              <div><dt>Class</dt><dd id="class" class="badge"></dd></div>
            </dl>
            <p id="more" class="more"></p>
          </section>
          <p id="idle" class="idle">No call is ringing.</p>
          <footer>
            <button id="notify" type="button" hidden>Show desktop notifications</button>
            <p id="notify-note" class="small"></p>
          </footer>
        </main>

        """#
}
