// The CBLAS interface of OpenBLAS (Debian: libopenblas-dev), used by the BLAS trait.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
