// The console's shell: login, navigation and the section registry.
//
// A section is a module exporting `{ id, title, render(root, ctx) }`; `render` fills `root`
// and stops its polls and live feeds when `ctx.signal` aborts (the user left the section).
// Adding one is a file in sections/ and a line in SECTIONS below (and in the server's
// asset list, console/assets.ts).
import { ApiError, auth, query } from "./api.js";
import { h } from "./dom.js";
import games from "./sections/games.js";
import groups from "./sections/groups.js";
import health from "./sections/health.js";
import lobbies from "./sections/lobbies.js";
import lobbyRecords from "./sections/lobby-records.js";
import matches from "./sections/matches.js";
import sessions from "./sections/sessions.js";
import streams from "./sections/streams.js";

const SECTIONS = [health, streams, groups, lobbies, matches, sessions, games, lobbyRecords];

const root = document.getElementById("app");
let current;

function toast(message, kind = "info") {
  const el = h(`div.toast.${kind}`, message);
  document.body.append(el);
  setTimeout(() => el.remove(), 4000);
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** Checks the token with an admin call; AUTH_MODE=open needs none. */
async function signedIn() {
  try {
    await query("admin.keys.list");
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return false;
    throw error;
  }
}

function loginForm(message) {
  const input = h("input", { type: "password", name: "token", placeholder: "admin token or server key", autocomplete: "off", required: true });
  const form = h(
    "form.login",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        auth.token = input.value.trim();
        await start();
      },
    },
    h("h1", "gamejournal console"),
    h("p.muted", "Sign in with a credential that has the admin scope: ", h("code", "gamejournal token --scope admin"), "."),
    message ? h("p.error", message) : null,
    input,
    h("button", { type: "submit" }, "Sign in"),
  );
  root.replaceChildren(form);
  input.focus();
}

function shell() {
  const nav = h(
    "nav",
    h("div.brand", "gamejournal"),
    SECTIONS.map((s) => h("a", { href: `#/${s.id}`, dataset: { section: s.id } }, s.title)),
    h("div.spacer"),
    h("a", { href: "/docs", target: "_blank" }, "REST docs"),
    h("a", { href: "/graphql", target: "_blank" }, "GraphiQL"),
    h(
      "button.link",
      {
        onclick: () => {
          auth.token = "";
          current?.abort();
          loginForm();
        },
      },
      "Sign out",
    ),
  );
  const main = h("main#section");
  root.replaceChildren(nav, main);
}

function route() {
  const main = document.getElementById("section");
  if (!main) return;
  const [id = "health", ...params] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const section = SECTIONS.find((s) => s.id === id) ?? SECTIONS[0];
  for (const a of document.querySelectorAll("nav a[data-section]")) a.classList.toggle("active", a.dataset.section === section.id);
  current?.abort();
  current = new AbortController();
  main.replaceChildren();
  main.dataset.section = section.id;
  try {
    section.render(main, { params, signal: current.signal, navigate, toast });
  } catch (error) {
    main.append(h("p.error", error.message));
  }
}

async function start() {
  try {
    if (!(await signedIn())) return loginForm(auth.token ? "That credential was refused, or it lacks the admin scope." : undefined);
  } catch (error) {
    return loginForm(`The server did not answer: ${error.message}`);
  }
  shell();
  route();
}

window.addEventListener("hashchange", route);
void start();
