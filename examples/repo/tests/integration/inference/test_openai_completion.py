# Stand-in for the real test module: recctl only checks that the test file exists.
