"""Item pipelines: cleaning -> validation -> dedup -> JSONL writer.

Each stage drops what it cannot pass on with a snake_case reason, counted in stats under
`newscrawl/dropped/<reason>` so the run's stats file says where every page went.
"""

from __future__ import annotations

from newscrawl.pipelines.clean import CleaningPipeline
from newscrawl.pipelines.dedup import DedupPipeline
from newscrawl.pipelines.validate import ValidationPipeline
from newscrawl.pipelines.writer import JsonlWriterPipeline

__all__ = ["CleaningPipeline", "DedupPipeline", "JsonlWriterPipeline", "ValidationPipeline"]
