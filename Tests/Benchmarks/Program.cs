using BenchmarkDotNet.Running;

// Each benchmark lives in its own folder; deploy/bench.sh <name> picks one by filter.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
