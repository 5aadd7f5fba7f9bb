// Lobby game records (seed 004): status, snapshot, stats, capabilities. Their stores and the
// gm:lobby_events worker exist (server/src/lobby/), but no read API yet: this section says so
// until `lobby.*` procedures land; then its render() lists records and opens one.
import { h } from "../dom.js";

export default {
  id: "lobby-records",
  title: "Lobby records",
  render(root) {
    root.append(
      h("h2", "Lobby game records"),
      h(
        "div.placeholder",
        h("p", "Not available in this version: the lobby game records have no read API yet."),
        h("p.muted", "When it lands, this section shows each record's status, runtime snapshot, per-player stats and capability results."),
      ),
    );
  },
};
