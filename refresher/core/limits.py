"""Every resource limit in one place: sizes a file, a spec or a typed answer may reach.

Input is untrusted (banks are shared between learners; the data folder may be synced), so each
limit is checked before the work or the allocation it bounds, and the error message names it.
Pure constants: no imports, nothing computed at import.
"""

# --- files -----------------------------------------------------------------------------------
BANK_FILE_BYTES = 8 * 1024 * 1024  # a bank file larger than this is refused by its size (stat)
INPUT_FILE_BYTES = 4 * 1024 * 1024  # --params, --input .npy/.txt/.csv files, config.toml
CACHE_ENTRY_BYTES = 64 * 1024 * 1024  # a parsed-bank cache entry larger than this is a miss
IMPORT_FILE_BYTES = 16 * 1024 * 1024  # CSV/TSV/Anki text/GIFT files taken in by `import`
IMPORT_PACKAGE_BYTES = 512 * 1024 * 1024  # an .apkg/.colpkg file (media included) for `import`
PACKAGE_COLLECTION_BYTES = 256 * 1024 * 1024  # the collection inside a package, uncompressed

# --- the shape of a bank ---------------------------------------------------------------------
YAML_ALIASES = 100  # alias uses (*name) in one bank file
YAML_DEPTH = 40  # nested lists/mappings in one bank file
YAML_NODES = 1_000_000  # values in one bank file with every alias expanded
QUESTIONS_PER_BANK = 20_000
TEXT_CHARS = 20_000  # one text field of a question (prompt, answer, explanation, ...)
OPTIONS_PER_QUESTION = 26  # one per letter A-Z
ITEMS_PER_QUESTION = 26  # order items, match pairs, cloze blanks, accepted answers, points

# --- computed and rendered arrays ------------------------------------------------------------
ARRAY_CELLS = 262_144  # cells of any input, parameter or result array (GRID x GRID)
RANDOM_DIM = 64  # each dimension of a `{random: [...]}` shape
DECIMALS = 3  # decimals of a random draw
# Bounds of a random draw, and of any number a worked example takes (typed, in a file, in a
# spec): sums of ARRAY_CELLS products of two such numbers stay far below the float limit.
NUMBER_ABS = 1e12
STEPS = 20  # time steps of an RNN/LSTM/GRU/BPTT example
HIDDEN_SIZE = 256  # input, hidden and output sizes of a cell
BPTT_HIDDEN = 16  # hidden units of a BPTT example: T x H x H per-step shares stay printable
GRID = 512  # rows/columns of a pooling or convolution input, padding included
DRAWN_SIDE = 24  # rows/columns of a window drawn cell by cell in a step; larger: its corners
SHAPE_DIM = 1_000_000  # rows/columns in an output-size question (pool-size, conv-size: no array)
PARAMS_VALUES = 50_000  # values (lists, numbers, aliases expanded) in one --params file

# --- typed input -----------------------------------------------------------------------------
ANSWER_CHARS = 4_000  # a typed answer longer than this is refused (re-prompt), never stored
INTERVIEW_ANSWER_CHARS = 20_000  # a typed interview answer (several lines)
SEED_MAX = 2**63 - 1  # --seed and stored seeds fit SQLite's INTEGER
DAYS_MAX = 36_500  # --days, --missed-days: a hundred years
PAST_ANSWERS_SHOWN = 6  # `interview --history ID`: the latest answers read, checked and shown
HISTORY_CHUNK_ROWS = 1_000  # `history` (table, --csv, --json) writes this many rows at a time
HISTORY_CACHE_KIB = 16 * 1024  # SQLite's page cache while `history` reads (default: 2,000 KiB)

# --- time ------------------------------------------------------------------------------------
# The clock (REFRESHER_NOW) must fall in these years: a century of intervals ahead and of
# look-back behind stays far from datetime's year 1 and year 9999.
YEAR_MIN = 1900
YEAR_MAX = 9000
SQLITE_INT_MAX = 2**63 - 1  # a card id or seed above this cannot be in the history
STORED_YEAR_MIN = 1800  # a time read back from the history outside these years means damage
STORED_YEAR_MAX = 9200
COUNT_MAX = 10**9  # answers, reviews or seconds no history reaches: a kept total above is junk
# An SVG export is one image: past this many lines (about 15,000 px) HTML prints better.
SVG_LINES = 600

# --- the sync folder (storage.sync_*) ----------------------------------------------------------
SYNC_LINE_BYTES = 256 * 1024  # one event line; longer lines are skipped as bad, unread past this
SYNC_FILES = 1_000  # event files read from one sync folder
SYNC_BATCH = 2_000  # events appended per write, so memory stays flat
SYNC_CHUNK = 10_000  # events imported in one transaction: another command waits for one at most
SYNC_CHUNK_LINES = 50_000  # lines read (junk included) before a chunk's mark is written
SYNC_CACHE_KIB = 16 * 1024  # SQLite's page cache while a sync imports (its default: 2 MiB)
SYNC_WAL_PAGES = 16_384  # write-ahead log pages (64 MiB) a sync lets build up between copies
