using System.Globalization;
using System.Text;

namespace Segur.Ins.Datamatrix;

/// <summary>SVG output: a white background and one path of dark runs per row.</summary>
internal static class SvgWriter
{
    public static string Write(DataMatrixSymbol symbol, int moduleSize, int quietZone)
    {
        var modules = symbol.Size + (2 * quietZone);
        var pixels = modules * moduleSize;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{pixels}\" height=\"{pixels}\" viewBox=\"0 0 {modules} {modules}\" shape-rendering=\"crispEdges\">");
        sb.Append(inv, $"<rect width=\"{modules}\" height=\"{modules}\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
        for (var y = 0; y < symbol.Size; y++)
        {
            var x = 0;
            while (x < symbol.Size)
            {
                if (!symbol.IsDark(x, y))
                {
                    x++;
                    continue;
                }

                var start = x;
                while (x < symbol.Size && symbol.IsDark(x, y))
                {
                    x++;
                }

                sb.Append(inv, $"M{start + quietZone} {y + quietZone}h{x - start}v1h-{x - start}z");
            }
        }

        sb.Append("\"/></svg>");
        return sb.ToString();
    }
}
