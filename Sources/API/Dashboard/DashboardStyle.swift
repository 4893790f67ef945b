/// The dashboard's stylesheet, served as `/assets/dashboard.css`. State colours are custom
/// properties on `.state-<name>`, so badges, graph nodes and timeline bars share them.
enum DashboardStyle {
    static let css = #"""
        :root { --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --card: #fff; --accent: #2186eb; --c: #9aa5b1; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
        h1 { font-size: 22px; margin: 0 0 12px; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
        h2 { font-size: 16px; margin: 0 0 10px; }
        main { max-width: 1280px; margin: 0 auto; padding: 18px 20px 40px; }
        nav.top { display: flex; align-items: center; gap: 4px; padding: 0 20px; height: 46px; background: #102a43; }
        nav.top a, nav.top button.link { color: #d9e2ec; padding: 6px 10px; border-radius: 4px; font-size: 14px; }
        nav.top a:hover, nav.top button.link:hover { background: #243b53; text-decoration: none; }
        nav.top a[aria-current] { background: #334e68; color: #fff; }
        nav.top .brand { font-weight: 700; color: #fff; margin-right: 12px; }
        nav.top .spacer { flex: 1; }
        form.logout { margin: 0; }
        button.link { background: none; border: 0; cursor: pointer; font: inherit; }
        section, .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 0 0 16px; }
        .grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); margin-bottom: 16px; }
        .grid > section { margin: 0; }
        .stats { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); margin-bottom: 16px; }
        .stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        .stat .value { font-size: 24px; font-weight: 600; }
        .stat .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
        table.kv th { text-transform: none; letter-spacing: 0; font-size: 13px; font-weight: 500; width: 1%; white-space: nowrap; }
        table.kv table.kv th, table.kv table.kv td { padding: 2px 6px; }
        time { white-space: nowrap; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr:hover td { background: #f8fafc; }
        .muted { color: var(--muted); }
        .error-text { color: #ab091e; }
        .notice { padding: 10px 14px; border-radius: 6px; background: #e6f6ff; border: 1px solid #b3ecff; }
        .notice.error { background: #ffe3e3; border-color: #ffbdbd; color: #610316; }
        .notice.warning { background: #fffbea; border-color: #fce588; }
        .empty { color: var(--muted); font-style: italic; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        .truncate { max-width: 360px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }

        .state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--c); white-space: nowrap; }
        .state-queued { --c: #9aa5b1; } .state-pending { --c: #bcccdc; } .state-ready { --c: #47a3f3; }
        .state-running { --c: #2186eb; } .state-succeeded { --c: #27ab83; } .state-failed { --c: #e12d39; }
        .state-canceled { --c: #7b8794; } .state-skipped { --c: #cbd2d9; } .state-upstream_failed { --c: #f0b429; }
        .state-lease_expired { --c: #f7c948; } .state-ok { --c: #27ab83; } .state-rejected { --c: #e12d39; }
        .state-none { --c: #829ab1; } .state-valid { --c: #27ab83; } .state-invalid { --c: #e12d39; }
        .state-running.state, .dag-node.state-running rect, .bar.state-running { animation: pulse 1.4s ease-in-out infinite; }
        @keyframes pulse { 50% { opacity: .55; } }

        svg { display: block; max-width: 100%; height: auto; }
        svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
        svg .axis line, svg .grid-line { stroke: var(--line); }
        svg .axis text, svg .tick { fill: var(--muted); font-size: 11px; }
        .dag-node rect { fill: var(--c); stroke: rgba(0,0,0,.15); }
        .dag-node text { fill: #fff; }
        .dag-node .dag-name { font-weight: 600; font-size: 13px; }
        .dag-node .dag-state { font-size: 11px; }
        .dag-edge { fill: none; stroke: #9fb3c8; stroke-width: 1.5; }
        #dag-arrow path { fill: #9fb3c8; }
        .bar { fill: var(--c); }
        .state-bar rect { fill: var(--c); }
        .chart-line { fill: none; stroke: var(--accent); stroke-width: 2; }
        .chart-dot { fill: var(--accent); stroke: #fff; stroke-width: 1.5; }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin-top: 8px; font-size: 13px; }
        .legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; background: var(--c); margin-right: 5px; }

        form.filters { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; margin-bottom: 12px; }
        label { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
        input, select, textarea { font: inherit; color: var(--fg); padding: 5px 8px; border: 1px solid #bcccdc; border-radius: 5px; background: #fff; min-width: 160px; }
        button { font: inherit; padding: 6px 14px; border-radius: 5px; border: 1px solid #bcccdc; background: #fff; cursor: pointer; }
        button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        button.danger { border-color: #e12d39; color: #ab091e; }
        button:disabled { opacity: .45; cursor: default; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 12px; padding: 10px 12px; display: flex; flex-wrap: wrap; gap: 12px; }
        legend { color: var(--muted); font-size: 12px; padding: 0 4px; }
        .field-help { font-size: 11px; color: var(--muted); }
        .actions { display: flex; gap: 8px; align-items: center; margin-left: auto; font-size: 14px; font-weight: 400; }
        .pager { display: flex; gap: 16px; margin-top: 12px; }

        pre.yaml { margin: 0; overflow: auto; counter-reset: line; background: #f8fafc; border: 1px solid var(--line); border-radius: 6px; padding: 8px 0; }
        pre.yaml .line { display: block; min-height: 1.45em; padding: 0 10px 0 0; }
        pre.yaml .line::before { counter-increment: line; content: counter(line); display: inline-block; width: 3.5em; padding-right: 10px; text-align: right; color: #9aa5b1; }
        pre.yaml .line.has-error { background: #ffe3e3; }
        pre.yaml .line.has-warning { background: #fffbea; }
        .log-tabs { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 8px; }
        .log-tabs button[aria-pressed="true"] { background: #102a43; color: #fff; border-color: #102a43; }
        pre.log { margin: 0; height: 340px; overflow: auto; background: #0b1a2b; color: #d9e2ec; padding: 10px 12px; border-radius: 6px; white-space: pre-wrap; word-break: break-all; }
        pre.log:empty::before { content: "No lines yet."; color: #829ab1; }
        .plots { display: flex; flex-wrap: wrap; gap: 14px; }
        .plots figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
        .plots img { display: block; width: 380px; max-width: 100%; height: auto; }
        .plots figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
        """#
}
