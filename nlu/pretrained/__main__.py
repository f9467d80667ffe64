import sys
from pathlib import Path

from nlu.pretrained import PretrainedWeightsError, link_all

if len(sys.argv) != 2:
    sys.exit("usage: python -m nlu.pretrained BUILD_DIR")
try:
    for link in link_all(Path(sys.argv[1])):
        print(f"verified and linked {link} -> {link.resolve()}")
except PretrainedWeightsError as error:
    sys.exit(str(error))
