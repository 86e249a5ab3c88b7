// GPT-1's own sizes (the paper; Hugging Face's openai-gpt): what a file of the released weights must hold.

/** d, blocks, heads, context and the token embedding's rows (40,478: the vocabulary without the special tokens). */
export const GPT1 = Object.freeze({ dModel: 768, layers: 12, heads: 12, context: 512, rows: 40478 });
