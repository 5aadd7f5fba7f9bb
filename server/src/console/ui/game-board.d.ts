/** Browser code, imported by console/assets.ts as text (`with { type: "text" }`) and served as is. */
declare const source: string;
export default source;
