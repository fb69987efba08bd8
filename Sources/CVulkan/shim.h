// The Vulkan C API, for LlamaVulkan (built only with the Vulkan package trait).
#include <vulkan/vulkan.h>
