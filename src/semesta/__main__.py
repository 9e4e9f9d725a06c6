from semesta.cli import main

main()
