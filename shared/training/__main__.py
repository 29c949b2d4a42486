from shared.training.cli import main

main()
