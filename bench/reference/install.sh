#!/usr/bin/env bash
# Installs the PyTorch reference: Debian's python3-torch plus OpenBLAS. Run gpt_bench.py with /usr/bin/python3 (a
# pyenv or other python3 earlier on PATH does not see Debian's dist-packages).
# Why OpenBLAS: Debian's default libblas3 is the netlib reference BLAS (~20x slower for 1024^3 sgemm here), which
# would make the comparison a straw man. libopenblas0-pthread registers itself as the libblas.so.3 alternative with a
# higher priority; we set it explicitly anyway so a previously pinned choice cannot silently win.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-torch libopenblas0-pthread

arch_dir="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
for lib in libblas.so.3 liblapack.so.3; do
    candidate="$arch_dir/openblas-pthread/$lib"
    if [ -e "$candidate" ]; then
        $SUDO update-alternatives --set "$lib-$(basename "$arch_dir")" "$candidate" || true
    fi
done

/usr/bin/python3 - <<'PY'
import torch
print("torch", torch.__version__, "threads", torch.get_num_threads())
cfg = torch.__config__.show()
print("BLAS:", [line.strip() for line in cfg.splitlines() if "BLAS" in line.upper()][:3])
PY
update-alternatives --display "libblas.so.3-$(basename "$arch_dir")" | head -3 || true
