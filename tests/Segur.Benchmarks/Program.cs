using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project tests/Segur.Benchmarks -- --filter '*'
if (args is ["outbox", ..])
{
    return await Segur.Benchmarks.OutboxThroughput.RunAsync(args); // console mode: items/s and working set
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
