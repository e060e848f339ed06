# SPDX-License-Identifier: GPL-3.0-or-later
#
# BK_ICONV: find iconv_open either in the C library (glibc) or in a separate
# GNU libiconv, whose header renames the functions to libiconv_open etc.  This
# plays the role of gettext's AM_ICONV without needing gettext's m4 files.
# Sets and substitutes ICONV_CPPFLAGS, LIBICONV.
AC_DEFUN([BK_ICONV], [
  AC_ARG_WITH([libiconv-prefix],
    [AS_HELP_STRING([--with-libiconv-prefix=DIR], [look for GNU libiconv in DIR/include and DIR/lib])],
    [ICONV_CPPFLAGS="-I$withval/include"; bk_iconv_ldflags="-L$withval/lib"],
    [ICONV_CPPFLAGS=""; bk_iconv_ldflags=""])
  bk_save_CPPFLAGS=$CPPFLAGS
  bk_save_LIBS=$LIBS
  CPPFLAGS="$CPPFLAGS $ICONV_CPPFLAGS"
  LIBICONV=""
  AC_CACHE_CHECK([for iconv], [bk_cv_iconv], [
    bk_cv_iconv=no
    for bk_lib in "" "-liconv"; do
      LIBS="$bk_save_LIBS $bk_iconv_ldflags $bk_lib"
      AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <iconv.h>]],
        [[iconv_t cd = iconv_open("UTF-8", "UTF-16LE"); iconv(cd, 0, 0, 0, 0); iconv_close(cd);]])],
        [bk_cv_iconv="yes${bk_lib:+ $bk_lib}"; break])
    done])
  CPPFLAGS=$bk_save_CPPFLAGS
  LIBS=$bk_save_LIBS
  AS_CASE([$bk_cv_iconv],
    [no], [AC_MSG_ERROR([iconv not found: install glibc's or GNU libiconv (--with-libiconv-prefix)])],
    [*-liconv], [LIBICONV="$bk_iconv_ldflags -liconv"])
  AC_SUBST([ICONV_CPPFLAGS])
  AC_SUBST([LIBICONV])
])
