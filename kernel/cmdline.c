#include "kernel/cmdline.h"
#include "lib/string.h"

#define CMDLINE_MAX 512
#define MAX_WORDS 32

static char text[CMDLINE_MAX];  /* the line as given, for printing */
static char words[CMDLINE_MAX]; /* the same, cut into words in place */
static struct {
	const char *key, *value;
} params[MAX_WORDS];
static int nr_params;

void cmdline_init(const char *line)
{
	strlcpy(text, line, sizeof(text));
	strlcpy(words, line, sizeof(words));
	nr_params = 0;
	for (char *p = words; *p && nr_params < MAX_WORDS; ) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p || (p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2])))
			break; /* the rest belongs to init */
		params[nr_params].key = p;
		params[nr_params].value = "";
		while (*p && *p != ' ' && *p != '=')
			p++;
		if (*p == '=') {
			*p++ = '\0';
			params[nr_params].value = p;
			while (*p && *p != ' ')
				p++;
		}
		nr_params++;
	}
}

int cmdline_position(const char *key)
{
	for (int i = nr_params - 1; i >= 0; i--)
		if (strcmp(params[i].key, key) == 0)
			return i;
	return -1;
}

const char *cmdline_get(const char *key)
{
	int i = cmdline_position(key);

	return i < 0 ? NULL : params[i].value;
}

const char *cmdline_after_dashes(void)
{
	for (const char *p = text; (p = strchr(p, '-')); p++)
		if ((p == text || p[-1] == ' ') && p[1] == '-' && (p[2] == ' ' || !p[2]))
			return p[2] ? p + 3 : p + 2;
	return NULL;
}

const char *cmdline_text(void)
{
	return text;
}
