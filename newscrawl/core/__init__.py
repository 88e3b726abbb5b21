"""The cleaning core: pure Python, no Scrapy imports.

`extract` reduces one page to candidate article blocks and metadata (page-local, CPU-bound,
safe to run in worker processes); `templates` learns each site's repeated segments;
`cleaner` combines both into final records, holding back a new site's first pages until its
template model has evidence; `record` defines the output schema.
"""

from __future__ import annotations
