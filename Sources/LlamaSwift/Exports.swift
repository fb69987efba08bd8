// Apps that `import LlamaSwift` get the types its public API uses: ChatMessage, ChatTemplate,
// LlamaTokenizer.
@_exported import LlamaTokenizer
