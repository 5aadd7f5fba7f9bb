import { journalContract } from "./journal-contract.ts";
import { JOURNALS } from "./journals.ts";

for (const [name, open] of JOURNALS) journalContract(name, open);
