print("llama-swift")
