// The Vulkan C API's types and constants, for LlamaVulkan (built only with the Vulkan package
// trait). Nothing links the loader: LlamaVulkan opens it at run time (VulkanLibrary.swift).
#include <vulkan/vulkan.h>
