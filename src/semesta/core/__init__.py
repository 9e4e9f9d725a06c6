"""Pure domain core: identifiers, regions, rules. No file, network or database access here,
except reading the package's own versioned data files (regions, rules)."""
