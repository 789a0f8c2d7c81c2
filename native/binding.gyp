{
  "targets": [
    {
      "target_name": "merkle_hash",
      "sources": ["merkle_hash.c"],
      "cflags": ["-O2"]
    }
  ]
}
