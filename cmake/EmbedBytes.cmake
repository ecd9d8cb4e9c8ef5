# Writes the bytes of IN to OUT as a comma-separated list of C integer
# literals, for `#include` inside an array initializer.
# cmake -DIN=file -DOUT=file.inc -P EmbedBytes.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}" "${bytes}\n")
