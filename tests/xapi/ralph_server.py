"""Start Ralph's LRS (its file backend) on a port; run by the LRS venv's Python, not ours.

Ralph 5.1's file backend writes each POST with its default operation, CREATE, which
refuses a file that exists: every POST after the first answers 500. APPEND, an operation
the same backend supports, is made its default here; everything else (validation,
duplicate ids, queries, authentication) is Ralph's own.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
