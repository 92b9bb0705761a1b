"""Progress you can see (`study stats`) and a scheduler fitted to you (`study optimize`)."""
