from shared.gallery.app import main

main()
