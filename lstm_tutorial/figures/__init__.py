"""The book's figures, all drawn with Matplotlib: the diagrams of the cells and the plots of runs."""
