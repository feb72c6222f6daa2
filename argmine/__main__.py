from argmine.cli import main

main()
