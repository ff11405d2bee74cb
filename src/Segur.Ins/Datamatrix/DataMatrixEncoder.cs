namespace Segur.Ins.Datamatrix;

/// <summary>
/// ECC200 high-level encoder: C40 encodation with optional ASCII digit pairs, the end-of-data rules, symbol size
/// selection and padding (ISO/IEC 16022 §5.2 and §5.2.5).
/// </summary>
internal static class DataMatrixEncoder
{
    private const byte LatchC40 = 230;
    private const byte Unlatch = 254;
    private const byte Pad = 129;

    internal sealed record Encoded(byte[] Codewords, SymbolSize Size);

    private sealed record Segment(bool Ascii, int Start, int End);

    /// <summary>Encodes text into padded data codewords for the smallest fitting symbol.</summary>
    /// <param name="text">ASCII text (0–127).</param>
    /// <param name="encodation">The encodation strategy.</param>
    /// <param name="c40Prefix">Characters at the start that must be C40 whatever the strategy (INS header: 26).</param>
    /// <param name="minimumSize">Smallest symbol side to use (0: no minimum).</param>
    public static Encoded Encode(string text, DataMatrixEncodation encodation, int c40Prefix, int minimumSize)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                throw new SegurValidationException(InsErrorCodes.SymbolCharacters, $"The character at position {i + 1} is not ASCII; the Data Matrix encoder accepts ASCII 0–127 only.") { Field = "text" };
            }
        }

        var segments = Plan(text, encodation, c40Prefix);
        var codewords = new List<byte>(text.Length);
        var endsInC40 = false;
        int? trailingAscii = null;
        foreach (var segment in segments)
        {
            if (segment.Ascii)
            {
                if (endsInC40)
                {
                    codewords.Add(Unlatch);
                    endsInC40 = false;
                }

                EncodeAsciiDigits(text, segment.Start, segment.End, codewords);
            }
            else
            {
                codewords.Add(LatchC40);
                var before = codewords.Count;
                var isLast = ReferenceEquals(segment, segments[^1]);
                trailingAscii = EncodeC40(text, segment.Start, segment.End, isLast, codewords);
                endsInC40 = true;
                if (codewords.Count == before)
                {
                    // Nothing left for C40 (a single trailing character): no latch, plain ASCII.
                    codewords.RemoveAt(codewords.Count - 1);
                    endsInC40 = false;
                    if (trailingAscii is { } single)
                    {
                        codewords.Add((byte)(single + 1));
                        trailingAscii = null;
                    }
                }
            }
        }

        // Pick the symbol. Ending in C40, the data either fills the symbol exactly or is followed by an unlatch.
        // A trailing single character (trailingAscii) is written in ASCII, after an unlatch unless it is the very last
        // codeword of the symbol (ISO/IEC 16022 §5.2.5.2 d).
        var length = codewords.Count;
        foreach (var size in SymbolSize.All)
        {
            if (size.Size < minimumSize)
            {
                continue;
            }

            var capacity = size.DataCodewords;
            if (trailingAscii is { } last)
            {
                if (length + 1 == capacity)
                {
                    codewords.Add((byte)(last + 1));
                    return new Encoded([.. codewords], size);
                }

                if (length + 2 <= capacity)
                {
                    codewords.Add(Unlatch);
                    codewords.Add((byte)(last + 1));
                    PadTo(codewords, capacity);
                    return new Encoded([.. codewords], size);
                }

                continue;
            }

            if (length == capacity)
            {
                return new Encoded([.. codewords], size);
            }

            if (length + (endsInC40 ? 1 : 0) <= capacity)
            {
                if (endsInC40)
                {
                    codewords.Add(Unlatch);
                }

                PadTo(codewords, capacity);
                return new Encoded([.. codewords], size);
            }
        }

        throw new SegurValidationException(InsErrorCodes.SymbolCapacityExceeded, $"The data needs {length} codewords; the largest Data Matrix symbol (144x144) holds 1558.") { Field = "text" };
    }

    /// <summary>Number of C40 values of a character (1 in the basic set, 2 with a shift).</summary>
    internal static int C40Length(char c) => c is ' ' or >= '0' and <= '9' or >= 'A' and <= 'Z' ? 1 : 2;

    internal static void AppendC40Values(char c, List<int> values)
    {
        switch (c)
        {
            case ' ':
                values.Add(3);
                break;
            case >= '0' and <= '9':
                values.Add(c - '0' + 4);
                break;
            case >= 'A' and <= 'Z':
                values.Add(c - 'A' + 14);
                break;
            case < ' ':
                values.Add(0); // Shift 1: control characters, GS = 29.
                values.Add(c);
                break;
            case >= '!' and <= '/':
                values.Add(1); // Shift 2: punctuation, ' = 6, - = 12, . = 13.
                values.Add(c - '!');
                break;
            case >= ':' and <= '@':
                values.Add(1);
                values.Add(c - ':' + 15);
                break;
            case >= '[' and <= '_':
                values.Add(1);
                values.Add(c - '[' + 22);
                break;
            default:
                values.Add(2); // Shift 3: ` a-z { | } ~ DEL.
                values.Add(c - 96);
                break;
        }
    }

    private static List<Segment> Plan(string text, DataMatrixEncodation encodation, int c40Prefix)
    {
        var segments = new List<Segment>();
        var segmentStart = 0;
        var values = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (encodation == DataMatrixEncodation.Mixed && i >= c40Prefix && char.IsAsciiDigit(text[i]))
            {
                var run = 0;
                while (i + run < text.Length && char.IsAsciiDigit(text[i + run]))
                {
                    run++;
                }

                // Align the C40 segment on a triplet by giving it k digits, then write the rest in pairs.
                var k = (3 - (values % 3)) % 3;
                if (i == segmentStart && values == 0)
                {
                    k = 0; // The run opens the message or follows another ASCII segment: no C40 segment to close.
                }

                var pairs = (run - k) / 2;
                if (pairs > 0)
                {
                    var asciiLength = pairs * 2;
                    var atEnd = i + k + asciiLength == text.Length;
                    var openC40 = i + k > segmentStart;
                    var switchCost = (openC40 ? 1 : 0) + (atEnd ? 0 : 1); // unlatch + latch back
                    var asciiCost = pairs + switchCost;
                    var c40Cost = asciiLength * 2.0 / 3.0;
                    if (asciiCost < c40Cost)
                    {
                        if (openC40)
                        {
                            segments.Add(new Segment(false, segmentStart, i + k));
                        }

                        segments.Add(new Segment(true, i + k, i + k + asciiLength));
                        i += k + asciiLength;
                        segmentStart = i;
                        values = 0;
                        continue;
                    }
                }

                values += run;
                i += run;
                continue;
            }

            values += C40Length(text[i]);
            i++;
        }

        if (segmentStart < text.Length || segments.Count == 0)
        {
            segments.Add(new Segment(false, segmentStart, text.Length));
        }

        return segments;
    }

    private static void EncodeAsciiDigits(string text, int start, int end, List<byte> codewords)
    {
        for (var i = start; i < end; i += 2)
        {
            codewords.Add((byte)(130 + ((text[i] - '0') * 10) + (text[i + 1] - '0')));
        }
    }

    /// <summary>Writes C40 triplets. Returns the character left for ASCII when the last segment ends with one lone
    /// value; otherwise null (a partial triplet of two values is completed with a Shift 1 pad).</summary>
    private static int? EncodeC40(string text, int start, int end, bool isLast, List<byte> codewords)
    {
        var values = new List<int>((end - start) * 2);
        for (var i = start; i < end; i++)
        {
            AppendC40Values(text[i], values);
        }

        int? trailing = null;
        switch (values.Count % 3)
        {
            case 1:
                if (!isLast)
                {
                    throw new InvalidOperationException("C40 segment not aligned before an ASCII segment.");
                }

                // One value left: write that character in ASCII. If it is the second half of a shifted character, the
                // whole character goes to ASCII and the two values before it are completed with a pad.
                var lastChar = text[end - 1];
                values.RemoveRange(values.Count - C40Length(lastChar), C40Length(lastChar));
                if (values.Count % 3 == 2)
                {
                    values.Add(0);
                }

                trailing = lastChar;
                break;
            case 2:
                if (!isLast)
                {
                    throw new InvalidOperationException("C40 segment not aligned before an ASCII segment.");
                }

                values.Add(0); // Shift 1 as pad (§5.2.5.2 b).
                break;
        }

        for (var i = 0; i < values.Count; i += 3)
        {
            var v = (1600 * values[i]) + (40 * values[i + 1]) + values[i + 2] + 1;
            codewords.Add((byte)(v / 256));
            codewords.Add((byte)(v % 256));
        }

        return trailing;
    }

    private static void PadTo(List<byte> codewords, int capacity)
    {
        if (codewords.Count < capacity)
        {
            codewords.Add(Pad);
        }

        while (codewords.Count < capacity)
        {
            var position = codewords.Count + 1;
            var pad = Pad + ((149 * position) % 253) + 1;
            codewords.Add((byte)(pad <= 254 ? pad : pad - 254));
        }
    }
}
