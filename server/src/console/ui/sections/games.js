// Game rooms: open games, a live board of one game as a spectator sees it, and stepping
// through its log event by event. The rooms' API (server/src/games/) has not landed yet:
// this section says so until it does; then its render() lists `games.*` and follows a room.
import { h } from "../dom.js";

export default {
  id: "games",
  title: "Game rooms",
  render(root) {
    root.append(
      h("h2", "Game rooms"),
      h(
        "div.placeholder",
        h("p", "Not available in this version: the game rooms' API is still being built."),
        h("p.muted", "When it lands, this section lists open games, shows a live board of one game as a spectator sees it, and steps through its log event by event."),
      ),
    );
  },
};
