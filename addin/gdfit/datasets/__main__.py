"""Rewrite ``ad_spend.csv`` from its recipe: ``python -m gdfit.datasets``."""
from pathlib import Path

from gdfit.datasets import _AD_SPEND_FILE, generate_ad_spend

target = Path(__file__).with_name(_AD_SPEND_FILE)
generate_ad_spend().to_csv(target, index=False)
print(f"wrote {target}")
