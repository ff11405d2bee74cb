using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project tests/Segur.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
