// Counts the tokens of the inputs an embeddings server was sent (a file of one JSON string a line)
// with OpenAI's own tokenizer: the npm package `tiktoken`, the WASM build of the Rust core OpenAI
// publishes. Special tokens (<|endoftext|>) in the text count as ordinary text, as the embeddings
// API reads an input. Prints {"inputs": N, "tokens": N}.
//   NODE_PATH=<dir>/node_modules node count-tokens.cjs inputs.jsonl [encoding]
const fs = require("node:fs");
const readline = require("node:readline");
const { get_encoding } = require("tiktoken");

async function main() {
  const encoding = get_encoding(process.argv[3] || "cl100k_base");
  let inputs = 0;
  let tokens = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    tokens += encoding.encode(JSON.parse(line), [], []).length;
    inputs++;
  }
  encoding.free();
  console.log(JSON.stringify({ inputs, tokens }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
