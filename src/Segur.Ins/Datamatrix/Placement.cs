namespace Segur.Ins.Datamatrix;

/// <summary>ECC200 module placement (ISO/IEC 16022 annex F): codewords laid out as "utah" shapes along diagonals,
/// with the four corner cases and the fixed pattern in the lower-right corner.</summary>
internal sealed class Placement
{
    private readonly int _nrow;
    private readonly int _ncol;
    private readonly byte[] _codewords;
    private readonly bool[] _dark;
    private readonly bool[] _set;

    private Placement(byte[] codewords, int side)
    {
        _codewords = codewords;
        _nrow = side;
        _ncol = side;
        _dark = new bool[side * side];
        _set = new bool[side * side];
    }

    /// <summary>Places codewords in a square mapping matrix; returns dark modules row by row.</summary>
    public static bool[] Place(byte[] codewords, int side)
    {
        var p = new Placement(codewords, side);
        p.Run();
        return p._dark;
    }

    private void Run()
    {
        var chr = 0;
        var row = 4;
        var col = 0;
        do
        {
            if (row == _nrow && col == 0)
            {
                Corner1(chr++);
            }

            if (row == _nrow - 2 && col == 0 && _ncol % 4 != 0)
            {
                Corner2(chr++);
            }

            if (row == _nrow - 2 && col == 0 && _ncol % 8 == 4)
            {
                Corner3(chr++);
            }

            if (row == _nrow + 4 && col == 2 && _ncol % 8 == 0)
            {
                Corner4(chr++);
            }

            // Sweep up and to the right.
            do
            {
                if (row < _nrow && col >= 0 && !_set[(row * _ncol) + col])
                {
                    Utah(row, col, chr++);
                }

                row -= 2;
                col += 2;
            }
            while (row >= 0 && col < _ncol);
            row += 1;
            col += 3;

            // Sweep down and to the left.
            do
            {
                if (row >= 0 && col < _ncol && !_set[(row * _ncol) + col])
                {
                    Utah(row, col, chr++);
                }

                row += 2;
                col -= 2;
            }
            while (row < _nrow && col >= 0);
            row += 3;
            col += 1;
        }
        while (row < _nrow || col < _ncol);

        // Lower-right corner left unfilled: fixed pattern.
        if (!_set[(_nrow * _ncol) - 1])
        {
            _set[(_nrow * _ncol) - 1] = true;
            _dark[(_nrow * _ncol) - 1] = true;
            _set[(_nrow * _ncol) - _ncol - 2] = true;
            _dark[(_nrow * _ncol) - _ncol - 2] = true;
            _set[(_nrow * _ncol) - 2] = true;
            _set[(_nrow * _ncol) - _ncol - 1] = true;
        }
    }

    private void Module(int row, int col, int chr, int bit)
    {
        if (row < 0)
        {
            row += _nrow;
            col += 4 - ((_nrow + 4) % 8);
        }

        if (col < 0)
        {
            col += _ncol;
            row += 4 - ((_ncol + 4) % 8);
        }

        var index = (row * _ncol) + col;
        _set[index] = true;
        var value = chr < _codewords.Length ? _codewords[chr] : 0;
        _dark[index] = ((value >> (8 - bit)) & 1) == 1;
    }

    private void Utah(int row, int col, int chr)
    {
        Module(row - 2, col - 2, chr, 1);
        Module(row - 2, col - 1, chr, 2);
        Module(row - 1, col - 2, chr, 3);
        Module(row - 1, col - 1, chr, 4);
        Module(row - 1, col, chr, 5);
        Module(row, col - 2, chr, 6);
        Module(row, col - 1, chr, 7);
        Module(row, col, chr, 8);
    }

    private void Corner1(int chr)
    {
        Module(_nrow - 1, 0, chr, 1);
        Module(_nrow - 1, 1, chr, 2);
        Module(_nrow - 1, 2, chr, 3);
        Module(0, _ncol - 2, chr, 4);
        Module(0, _ncol - 1, chr, 5);
        Module(1, _ncol - 1, chr, 6);
        Module(2, _ncol - 1, chr, 7);
        Module(3, _ncol - 1, chr, 8);
    }

    private void Corner2(int chr)
    {
        Module(_nrow - 3, 0, chr, 1);
        Module(_nrow - 2, 0, chr, 2);
        Module(_nrow - 1, 0, chr, 3);
        Module(0, _ncol - 4, chr, 4);
        Module(0, _ncol - 3, chr, 5);
        Module(0, _ncol - 2, chr, 6);
        Module(0, _ncol - 1, chr, 7);
        Module(1, _ncol - 1, chr, 8);
    }

    private void Corner3(int chr)
    {
        Module(_nrow - 3, 0, chr, 1);
        Module(_nrow - 2, 0, chr, 2);
        Module(_nrow - 1, 0, chr, 3);
        Module(0, _ncol - 2, chr, 4);
        Module(0, _ncol - 1, chr, 5);
        Module(1, _ncol - 1, chr, 6);
        Module(2, _ncol - 1, chr, 7);
        Module(3, _ncol - 1, chr, 8);
    }

    private void Corner4(int chr)
    {
        Module(_nrow - 1, 0, chr, 1);
        Module(_nrow - 1, _ncol - 1, chr, 2);
        Module(0, _ncol - 3, chr, 3);
        Module(0, _ncol - 2, chr, 4);
        Module(0, _ncol - 1, chr, 5);
        Module(1, _ncol - 3, chr, 6);
        Module(1, _ncol - 2, chr, 7);
        Module(1, _ncol - 1, chr, 8);
    }
}
