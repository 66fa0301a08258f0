extension AgentPage {
    static let style = #"""
        :root { color-scheme: light dark; --bg: #f6f7f9; --fg: #17202a; --card: #fff; --muted: #5b6670;
          --accent: #1f6feb; --vip: #b8860b; --internal: #2e7d32; --external: #1f6feb; --off: #b3261e; }
        @media (prefers-color-scheme: dark) { :root { --bg: #101418; --fg: #e8eaed; --card: #1b2127; --muted: #9aa4ad; } }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg);
          font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        main { max-width: 40rem; margin: 0 auto; padding: 1rem; display: flex; flex-direction: column; gap: 1rem; }
        header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .5rem; }
        h1 { font-size: 1.25rem; margin: 0; }
        #conn { margin: 0; padding: .2rem .6rem; border-radius: 1rem; background: var(--card); font-size: .9rem; }
        body[data-state="offline"] #conn { color: #fff; background: var(--off); }
        section { background: var(--card); border-radius: .75rem; padding: 1rem; box-shadow: 0 1px 3px rgb(0 0 0 / .15); }
        #sound-box { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; justify-content: space-between; }
        #sound-box p { margin: 0; flex: 1 1 14rem; }
        body[data-audio="running"] #sound-box { display: none; }
        body[data-state="ringing"][data-audio="suspended"] #sound-box { outline: 3px solid var(--off); }
        button { font: inherit; padding: .6rem 1.1rem; border-radius: .5rem; border: 0; background: var(--accent);
          color: #fff; cursor: pointer; min-height: 2.75rem; }
        button:focus-visible { outline: 3px solid var(--fg); outline-offset: 2px; }
        #card { border-left: .5rem solid var(--accent); }
        #card[data-ringtone="vip"] { border-color: var(--vip); }
        #card[data-ringtone="internal"] { border-color: var(--internal); }
        body[data-state="ringing"] #card { animation: pulse 1s ease-in-out infinite alternate; }
        @media (prefers-reduced-motion: reduce) { body[data-state="ringing"] #card { animation: none; } }
        @keyframes pulse { from { box-shadow: 0 0 0 0 rgb(31 111 235 / .4); } to { box-shadow: 0 0 0 .6rem rgb(31 111 235 / 0); } }
        .title { margin: 0; color: var(--muted); }
        .name { font-size: clamp(1.5rem, 6vw, 2.25rem); font-weight: 700; margin: .25rem 0; overflow-wrap: anywhere; }
        .company { margin: 0 0 .75rem; font-size: 1.1rem; overflow-wrap: anywhere; }
        dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .5rem; margin: 0; }
        dt { color: var(--muted); font-size: .85rem; }
        dd { margin: 0; font-size: 1.1rem; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; background: var(--bg); font-weight: 600; }
        #card[data-class="vip"] .badge { background: var(--vip); color: #fff; }
        .more, .small { color: var(--muted); font-size: .9rem; margin: .5rem 0 0; }
        .idle { text-align: center; color: var(--muted); }
        body[data-state="ringing"] .idle { display: none; }
        footer { display: flex; flex-direction: column; gap: .5rem; align-items: flex-start; }

        """#
}
