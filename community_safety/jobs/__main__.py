import sys

from community_safety.jobs.scheduler import main

sys.exit(main())
