"""LibreOffice and poppler as test engines: recalculate, export to PDF, rasterise."""
import shutil
import subprocess

import numpy as np
import pytest

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed; CI installs it"
)


def soffice(profile, fmt, outdir, *sources):
    """Convert ``sources`` to ``fmt`` in one LibreOffice run (a private profile keeps runs apart)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )
    outs = [outdir / (src.stem + "." + fmt.split(":")[0]) for src in sources]
    return outs[0] if len(outs) == 1 else outs


def read_ppm(path):
    """A binary PPM (P6) as an (h, w, 3) uint8 array."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; '#' starts a comment
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    w, h = int(fields[1]), int(fields[2])
    return np.frombuffer(data, np.uint8, count=w * h * 3, offset=pos + 1).reshape(h, w, 3)
